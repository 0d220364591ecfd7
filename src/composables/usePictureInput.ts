import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'

/** True when a drag carries files (not text or a link dragged within the page). */
export function dragHasFiles(event: DragEvent): boolean {
  return [...(event.dataTransfer?.types ?? [])].includes('Files')
}

/** The image files of a DataTransfer (drop or paste); the engine still checks the bytes. */
export function imageFiles(data: DataTransfer | null | undefined): File[] {
  if (!data) return []
  const files = [...data.files]
  if (files.length === 0) {
    for (const item of [...data.items]) {
      if (item.kind !== 'file') continue
      const file = item.getAsFile()
      if (file) files.push(file)
    }
  }
  // A file without a type (no extension) is offered to the engine, which reads its bytes.
  return files.filter((file) => file.type === '' || file.type.startsWith('image/'))
}

export interface PictureInput {
  /** A drag with files is over the zone: show the drop overlay. */
  dragging: Ref<boolean>
  onDragEnter(event: DragEvent): void
  onDragOver(event: DragEvent): void
  onDragLeave(event: DragEvent): void
  onDrop(event: DragEvent): void
  onPaste(event: ClipboardEvent): void
}

/**
 * Drag-and-drop and paste of pictures, for any element: bind the handlers, or pass
 * `{ pasteTarget: window }` to take pasted images anywhere on the screen. Text pastes and drags
 * without files are left alone.
 */
export function usePictureInput(onPictures: (files: File[]) => void, options: { pasteTarget?: Window | HTMLElement } = {}): PictureInput {
  const dragging = ref(false)
  // dragenter/dragleave fire for every child crossed; a counter tells when the zone is really left.
  let depth = 0

  const input: PictureInput = {
    dragging,
    onDragEnter(event) {
      if (!dragHasFiles(event)) return
      event.preventDefault()
      depth++
      dragging.value = true
    },
    onDragOver(event) {
      if (!dragHasFiles(event)) return
      event.preventDefault()
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy'
      dragging.value = true
    },
    onDragLeave(event) {
      if (!dragging.value) return
      event.preventDefault()
      depth = Math.max(0, depth - 1)
      if (depth === 0) dragging.value = false
    },
    onDrop(event) {
      depth = 0
      dragging.value = false
      const files = imageFiles(event.dataTransfer)
      if (!dragHasFiles(event) && files.length === 0) return
      event.preventDefault()
      if (files.length > 0) onPictures(files)
    },
    onPaste(event) {
      const files = imageFiles(event.clipboardData)
      if (files.length === 0) return
      event.preventDefault()
      onPictures(files)
    },
  }

  const target = options.pasteTarget
  if (target) {
    const listener = (event: Event) => input.onPaste(event as ClipboardEvent)
    onMounted(() => target.addEventListener('paste', listener))
    onBeforeUnmount(() => target.removeEventListener('paste', listener))
  }
  return input
}
