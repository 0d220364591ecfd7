import type { IncomingMessage, ServerResponse } from 'node:http'
import type { SandboxContext } from './context'
import { GraphError, graphErrorBody } from './graph-errors'
import { BodyTooLargeError, bearerMatches, readBody, sendBytes, sendJson } from './http-util'
import { MAX_IMAGE_BYTES, sniffImage } from './media-store'
import { MultipartError, parseMultipart } from './multipart'
import { handleMessagesPost } from './outbound'
import { templateId } from './operations'
import { TEMPLATES } from './templates'

const VERSION = /^v\d+\.0$/
const JSON_LIMIT = 1024 * 1024
const UPLOAD_LIMIT = 16 * 1024 * 1024

/** True for paths this module serves: `/vNN.0/...` and media download URLs. */
export function isGraphPath(segments: string[]): boolean {
  return (segments.length >= 2 && VERSION.test(segments[0])) || segments[0] === 'lookaside'
}

/** Serves the Graph-compatible endpoints; every one needs the bearer token (401, code 190). */
export async function handleGraph(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  segments: string[],
  url: URL,
): Promise<void> {
  try {
    if (!bearerMatches(req, ctx.accessToken)) throw new GraphError(190, 'Invalid OAuth access token - Cannot parse access token', 401)
    if (segments[0] === 'lookaside') return download(ctx, res, segments)
    ctx.operations.checkAccount()
    await route(ctx, req, res, segments.slice(1), url)
  } catch (error) {
    if (error instanceof GraphError) return sendJson(res, error.httpStatus, graphErrorBody(error))
    if (error instanceof BodyTooLargeError)
      return sendJson(res, 413, graphErrorBody(new GraphError(131053, 'The request body is too large.')))
    throw error
  }
}

async function route(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse, path: string[], url: URL): Promise<void> {
  const [id, edge] = path
  const method = req.method ?? 'GET'
  if (path.length === 2 && id === ctx.business.phoneNumberId && edge === 'messages' && method === 'POST') {
    const outcome = handleMessagesPost(ctx, await readJson(req))
    if (outcome.dropResponse) {
      req.socket.destroy()
      return
    }
    return sendJson(res, outcome.status, outcome.body)
  }
  if (path.length === 2 && id === ctx.business.phoneNumberId && edge === 'media' && method === 'POST')
    return sendJson(res, 200, upload(ctx, req, await readBody(req, UPLOAD_LIMIT)))
  if (path.length === 2 && id === ctx.business.wabaId && edge === 'message_templates' && method === 'GET')
    return sendJson(res, 200, templatePage(ctx, url))
  if (path.length === 1 && id === ctx.business.phoneNumberId && method === 'GET')
    return sendJson(res, 200, {
      verified_name: ctx.business.name,
      display_phone_number: `+${ctx.business.displayPhoneNumber}`,
      quality_rating: 'GREEN',
      id,
    })
  if (path.length === 1 && method === 'GET') return sendJson(res, 200, mediaInfo(ctx, id, url))
  if (path.length === 1 && method === 'DELETE') {
    checkPhoneNumberParam(ctx, url)
    if (!ctx.media.delete(id)) throw missingObject(id, 'delete')
    return sendJson(res, 200, { success: true })
  }
  throw new GraphError(
    100,
    `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist or does not support this operation.`,
  )
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req, JSON_LIMIT)
  try {
    return JSON.parse(raw.toString('utf8'))
  } catch {
    throw new GraphError(100, 'The request body is not valid JSON.')
  }
}

function missingObject(id: string, verb: string): GraphError {
  return new GraphError(
    100,
    `Unsupported ${verb} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
  )
}

function checkPhoneNumberParam(ctx: SandboxContext, url: URL): void {
  const given = url.searchParams.get('phone_number_id')
  if (given !== null && given !== ctx.business.phoneNumberId)
    throw new GraphError(100, 'The media does not belong to the phone_number_id given.')
}

function upload(ctx: SandboxContext, req: IncomingMessage, body: Buffer): { id: string } {
  let form
  try {
    form = parseMultipart(body, req.headers['content-type'] ?? '')
  } catch (error) {
    if (error instanceof MultipartError) throw new GraphError(100, `Invalid multipart body: ${error.message}`)
    throw error
  }
  if (form.fields.messaging_product !== 'whatsapp')
    throw new GraphError(131008, 'The parameter messaging_product is required and must be whatsapp.')
  const file = form.files.file
  if (!file) throw new GraphError(131008, 'The parameter file is required.')
  const declared = (form.fields.type ?? file.contentType ?? '').split(';')[0].trim().toLowerCase()
  if (!declared) throw new GraphError(131008, 'The parameter type is required.')
  const actual = sniffImage(file.data)
  if (declared !== 'image/jpeg' && declared !== 'image/png')
    throw new GraphError(
      131053,
      `Param file must be a file with one of the following types: image/jpeg, image/png. Received file of type '${declared}'.`,
    )
  if (!actual) throw new GraphError(131053, 'Unsupported file type: the file content is not a JPEG or PNG image.')
  if (actual !== declared) throw new GraphError(131053, `The declared type ${declared} does not match the file content (${actual}).`)
  if (file.data.length > MAX_IMAGE_BYTES) throw new GraphError(131053, 'Images must be at most 5 MB.')
  return { id: ctx.media.put(file.data, actual, ctx.clock.now()).id }
}

function mediaInfo(ctx: SandboxContext, id: string, url: URL): object {
  checkPhoneNumberParam(ctx, url)
  const record = ctx.media.get(id)
  if (!record) throw missingObject(id, 'get')
  const token = ctx.media.issueUrlToken(id, ctx.clock.now())
  return {
    messaging_product: 'whatsapp',
    url: `${ctx.baseUrl()}/lookaside/media/${token}`,
    mime_type: record.mimeType,
    sha256: record.sha256Hex,
    file_size: record.bytes.length,
    id: record.id,
  }
}

function download(ctx: SandboxContext, res: ServerResponse, segments: string[]): void {
  const record = segments[1] === 'media' && segments[2] ? ctx.media.resolveUrlToken(segments[2], ctx.clock.now()) : undefined
  if (!record) {
    res.writeHead(404, { 'content-type': 'text/plain' })
    res.end('Not Found')
    return
  }
  sendBytes(res, record.mimeType, record.bytes)
}

/** `GET /{waba-id}/message_templates`, paged with `limit` and an `after` cursor as Meta pages it. */
function templatePage(ctx: SandboxContext, url: URL): object {
  const limit = Math.min(Math.max(Number(url.searchParams.get('limit')) || 25, 1), 100)
  const after = url.searchParams.get('after')
  const start = after ? Number(Buffer.from(after, 'base64url').toString('utf8')) || 0 : 0
  const page = TEMPLATES.slice(start, start + limit)
  const next = start + limit < TEMPLATES.length ? Buffer.from(String(start + limit)).toString('base64url') : undefined
  return {
    data: page.map((template) => templateSummary(ctx, template)),
    paging: next ? { cursors: { after: next }, next: `${ctx.baseUrl()}${url.pathname}?limit=${limit}&after=${next}` } : {},
  }
}

function templateSummary(ctx: SandboxContext, template: (typeof TEMPLATES)[number]): object {
  return {
    id: String(templateId(template)),
    name: template.name,
    language: template.language,
    status: ctx.operations.statusOf(template),
    category: template.category.toUpperCase(),
    components: [
      { type: 'BODY', text: template.body },
      { type: 'BUTTONS', buttons: template.quickReplies.map((text) => ({ type: 'QUICK_REPLY', text })) },
    ],
  }
}
