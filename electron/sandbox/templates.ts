import { GraphError } from './graph-errors'
import type { TemplateButton } from './directory'
import { templateStatusError, type TemplateStatus } from './operations'

export interface TemplateDefinition {
  name: string
  language: string
  category: 'utility' | 'marketing' | 'authentication'
  /** As created; the control API can move it (`SandboxOperations.statusOf`). */
  status: TemplateStatus
  body: string
  bodyParamCount: number
  quickReplies: string[]
}

/** Approved templates of the sandbox's WhatsApp Business Account. */
export const TEMPLATES: TemplateDefinition[] = [
  {
    name: 'greenline_opt_in',
    language: 'en_US',
    category: 'utility',
    status: 'APPROVED',
    // Meta rejects a template whose body starts or ends with a variable.
    body: 'Hello! {{1}} would like to send you messages on WhatsApp. Reply or tap a button.',
    bodyParamCount: 1,
    quickReplies: ['Yes', 'No'],
  },
  // Translations of the opt-in (same name, one per language, as WhatsApp Manager keeps them).
  {
    name: 'greenline_opt_in',
    language: 'pt_BR',
    category: 'utility',
    status: 'APPROVED',
    body: 'Olá! {{1}} gostaria de enviar mensagens para você pelo WhatsApp. Responda ou toque em um botão.',
    bodyParamCount: 1,
    quickReplies: ['Sim', 'Não'],
  },
  {
    name: 'greenline_opt_in',
    language: 'es',
    category: 'utility',
    status: 'APPROVED',
    body: '¡Hola! {{1}} quiere enviarle mensajes por WhatsApp. Responda o toque un botón.',
    bodyParamCount: 1,
    quickReplies: ['Sí', 'No'],
  },
  {
    // Refused by Meta when it was submitted: a French contact gets another translation.
    name: 'greenline_opt_in',
    language: 'fr',
    category: 'utility',
    status: 'REJECTED',
    body: 'Bonjour ! {{1}} souhaite vous envoyer des messages sur WhatsApp. Répondez ou touchez un bouton.',
    bodyParamCount: 1,
    quickReplies: ['Oui', 'Non'],
  },
  // Another consent-shaped template (one variable, Yes/No buttons) an admin can make the opt-in.
  {
    name: 'greenline_consent_v2',
    language: 'en_US',
    category: 'utility',
    status: 'APPROVED',
    body: 'Hi! {{1}} would like to keep you posted here on WhatsApp. May we message you?',
    bodyParamCount: 1,
    quickReplies: ['Yes, please', 'No, thanks'],
  },
  {
    name: 'greenline_consent_v2',
    language: 'pt_BR',
    category: 'utility',
    status: 'APPROVED',
    body: 'Oi! {{1}} gostaria de manter você informado aqui pelo WhatsApp. Podemos enviar mensagens?',
    bodyParamCount: 1,
    quickReplies: ['Sim, por favor', 'Não, obrigado'],
  },
  {
    name: 'appointment_reminder',
    language: 'en_US',
    category: 'utility',
    status: 'APPROVED',
    body: 'Hello {{1}}, this is a reminder of your appointment on {{2}}. Reply to confirm or reschedule.',
    bodyParamCount: 2,
    quickReplies: [],
  },
]

export interface RenderedTemplate {
  definition: TemplateDefinition
  params: string[]
  text: string
  buttons: TemplateButton[]
}

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Validates a send request's `template` object as Meta does and renders it. Throws GraphError:
 * 131008 missing fields, 132001 unknown name/language or not approved, 132015 paused, 132016
 * disabled, 132000 wrong body
 * parameter count, 131009 / 100 malformed parameters or components.
 */
export function renderTemplate(
  template: unknown,
  statusOf: (definition: TemplateDefinition) => TemplateStatus = (definition) => definition.status,
): RenderedTemplate {
  if (!isObject(template)) throw new GraphError(131008, "Parameter 'template' is required.")
  const name = template.name
  if (typeof name !== 'string' || !name) throw new GraphError(131008, "Parameter 'template.name' is required.")
  const language = isObject(template.language) ? template.language.code : undefined
  if (typeof language !== 'string' || !language) throw new GraphError(131008, "Parameter 'template.language.code' is required.")
  const definition = TEMPLATES.find((t) => t.name === name && t.language === language)
  if (!definition) throw new GraphError(132001, `template name (${name}) does not exist in ${language}`)
  const refused = templateStatusError(name, language, statusOf(definition))
  if (refused) throw refused

  const components = template.components ?? []
  if (!Array.isArray(components)) throw new GraphError(100, "Parameter 'components' must be an array.")
  const params: string[] = []
  const payloads = new Map<number, string>()
  const buttonComponents: Json[] = []
  for (const component of components) {
    if (!isObject(component)) throw new GraphError(100, 'Each component must be an object.')
    const type = typeof component.type === 'string' ? component.type.toLowerCase() : ''
    if (type === 'body') params.push(...bodyParams(component))
    else if (type === 'button') buttonComponents.push(component)
    else if (type === 'header') {
      throw new GraphError(132000, 'header: number of localizable_params does not match the expected number of params (0)')
    } else throw new GraphError(100, `Invalid component type: ${String(component.type)}`)
  }
  if (params.length !== definition.bodyParamCount)
    throw new GraphError(
      132000,
      `body: number of localizable_params (${params.length}) does not match the expected number of params (${definition.bodyParamCount})`,
    )
  // The body's parameter count is checked before the buttons (a wrong template reads as 132000).
  for (const component of buttonComponents) {
    const [index, payload] = buttonPayload(component, definition)
    payloads.set(index, payload)
  }
  const text = definition.body.replace(/\{\{(\d+)\}\}/g, (_, n: string) => params[Number(n) - 1] ?? '')
  // Without a developer payload, WhatsApp returns the button's label as the payload.
  const buttons = definition.quickReplies.map((label, index) => ({ index, text: label, payload: payloads.get(index) ?? label }))
  return { definition, params, text, buttons }
}

function bodyParams(component: Json): string[] {
  const parameters = component.parameters ?? []
  if (!Array.isArray(parameters)) throw new GraphError(100, "Parameter 'parameters' must be an array.")
  return parameters.map((parameter) => {
    if (!isObject(parameter)) throw new GraphError(100, 'Each parameter must be an object.')
    if (parameter.type !== 'text')
      throw new GraphError(131009, `Parameter type ${String(parameter.type)} is not valid here; expected text.`)
    if (parameter.parameter_name !== undefined)
      throw new GraphError(131009, 'This template uses positional parameters; parameter_name is not expected.')
    if (typeof parameter.text !== 'string' || parameter.text.trim() === '') throw new GraphError(131008, "Parameter 'text' is required.")
    if (parameter.text.length > 32768) throw new GraphError(131009, 'Parameter text is too long.')
    if (/[\n\t]| {5,}/.test(parameter.text))
      throw new GraphError(131009, 'Param text cannot have new-line/tab characters or more than 4 consecutive spaces')
    return parameter.text
  })
}

function buttonPayload(component: Json, definition: TemplateDefinition): [number, string] {
  if (component.sub_type !== 'quick_reply') throw new GraphError(131009, 'Only quick_reply buttons exist in this template.')
  const index = Number(component.index)
  if (!Number.isInteger(index) || index < 0 || index >= definition.quickReplies.length)
    throw new GraphError(131009, `Button at index ${String(component.index)} does not exist.`)
  const parameter: unknown = Array.isArray(component.parameters) ? component.parameters[0] : undefined
  if (!isObject(parameter) || parameter.type !== 'payload' || typeof parameter.payload !== 'string' || !parameter.payload)
    throw new GraphError(131008, "Parameter 'payload' is required for a quick_reply button.")
  if (parameter.payload.length > 256) throw new GraphError(131009, 'Button payload is too long.')
  return [index, parameter.payload]
}
