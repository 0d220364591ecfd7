/**
 * Every sentence the engine ends a request with, by a stable code. The English here is what logs,
 * the HTTP API and older windows read; a window translates `errors.<code>` from its own language
 * (src/i18n/locales) with the same {parameters}, and falls back to the English when it does not
 * know the code (a newer server). `npm run i18n:check` fails when a code has no text in a language.
 *
 * Kept free of imports and of TypeScript-only syntax beyond types, so the i18n check (plain Node)
 * can import this file. No `|` or `@` in the texts: vue-i18n reads them as plural and link marks.
 */
export const ENGINE_TEXTS = {
  'request.signInFirst': 'Sign in first',
  'request.internal': 'Something went wrong on our side; the request was not completed',
  'request.badCursor': 'That list position is not valid: reload the list',
  'request.fileTooLarge': 'This file is larger than {megabytes} MB.',

  'whatsapp.notConnected': 'WhatsApp is not connected right now',
  'whatsapp.disabled': 'Your organization has not enabled WhatsApp',
  'whatsapp.windowClosed': 'More than 24 hours have passed since this person last wrote, so WhatsApp only allows a template now.',
  'whatsapp.cannotReceive': "This person can't receive WhatsApp messages: the number may not be on WhatsApp, or their app needs an update.",
  'whatsapp.signInRefused': 'WhatsApp did not accept the sign-in for this account. An administrator needs to renew the access token.',
  'whatsapp.tokenExpired': 'The WhatsApp access token has expired. An administrator needs to renew it.',
  'whatsapp.missingPermission': 'This WhatsApp account is missing a permission. An administrator needs to check the app setup.',
  'whatsapp.notAllowed': 'This WhatsApp account is not allowed to do this. An administrator needs to check the app setup.',
  'whatsapp.accessRefused': 'WhatsApp refused access for this account. An administrator needs to check its permissions.',
  'whatsapp.spamLimited': 'WhatsApp is limiting this number because earlier messages were blocked or reported as spam.',
  'whatsapp.heldBack':
    'WhatsApp held this message back to limit how many business messages this person gets. Try again tomorrow at the earliest.',
  'whatsapp.stoppedMarketing': 'This person has stopped marketing messages from us on WhatsApp.',
  'whatsapp.accountLocked': 'The WhatsApp business account is locked.',
  'whatsapp.noDisplayName': 'The WhatsApp number has no approved display name yet.',
  'whatsapp.billing': 'WhatsApp stopped sending because of a billing problem with the business account.',
  'whatsapp.numberNotRegistered': 'The WhatsApp business number is not registered correctly.',
  'whatsapp.numberNotOnPlatform': 'The WhatsApp business number is not registered on the platform yet.',
  'whatsapp.accountRestricted': 'The WhatsApp business account is restricted for a policy violation.',
  'whatsapp.busy': 'WhatsApp is busy with too many messages from this number right now; it will be sent shortly.',
  'whatsapp.pairLimit': 'Too many messages went to this person in a short time; the next one waits a few seconds.',
  'whatsapp.tooManyRequests': 'Greenline made too many WhatsApp requests; it will try again in a minute.',
  'whatsapp.requestLimit': 'The WhatsApp account reached its request limit; it will try again in a minute.',
  'whatsapp.invalidPart': 'WhatsApp rejected the message because part of it was not valid.',
  'whatsapp.missingField': 'WhatsApp rejected the message because something required was missing.',
  'whatsapp.invalidValue':
    'WhatsApp rejected the message because a value was not valid (a reaction to an old or deleted message does this).',
  'whatsapp.unsupportedMessage': 'WhatsApp does not support this kind of message.',
  'whatsapp.unsupportedFile': 'WhatsApp could not accept this file; its type may not be supported or may not match its content.',
  'whatsapp.toItself': 'A WhatsApp number cannot send a message to itself.',
  'whatsapp.templateFieldCount': 'The message template was sent with the wrong number of fields.',
  'whatsapp.templateMissing': 'The message template does not exist in this language or is not approved yet.',
  'whatsapp.templateTooLong': 'The message template text is too long once filled in.',
  'whatsapp.templateContentRule': 'The message template breaks a WhatsApp content rule.',
  'whatsapp.templateFieldFormat': 'A field in the message template has the wrong format.',
  'whatsapp.templatePaused': 'WhatsApp paused this message template because of low quality.',
  'whatsapp.templateDisabled': 'WhatsApp disabled this message template for good; a new one is needed.',
  'whatsapp.unexpected': 'WhatsApp had an unexpected problem; Greenline will try again.',
  'whatsapp.unavailable': 'WhatsApp is temporarily unavailable; Greenline will try again.',
  'whatsapp.cannotHandle': 'WhatsApp could not handle the request right now; Greenline will try again.',
  'whatsapp.down': 'WhatsApp is temporarily down; Greenline will try again.',
  'whatsapp.maintenance': 'The WhatsApp account is in maintenance for a moment; Greenline will try again.',
  'whatsapp.fileNotPassed':
    'WhatsApp could not pass on the file this person sent (it may be over 100 MB). Ask them to send it another way.',
  'whatsapp.cannotShow': 'WhatsApp could not show this message here; ask the person to check it on their phone.',
  'whatsapp.blockedByUs': 'Our WhatsApp account has blocked this person, so messages cannot be sent.',
  'whatsapp.experiment': "WhatsApp did not deliver this because the person's number is part of a WhatsApp experiment.",
  'whatsapp.country': 'This WhatsApp account may not message people in this country.',
  'whatsapp.testNumber': 'This test WhatsApp number may only message numbers on its allowed list.',
  'whatsapp.marketingOff': 'Marketing templates are turned off for this WhatsApp account.',
  'whatsapp.templateViolations': 'WhatsApp has limited this account for a while because of template rule violations.',
  'whatsapp.apiPermission': 'This WhatsApp account is missing an API permission. An administrator needs to check the app setup.',
  'whatsapp.cannotReceiveAny': "This person can't receive WhatsApp messages.",
  'whatsapp.slowDown': 'WhatsApp asked Greenline to slow down; it will try again shortly.',
  'whatsapp.accountNotAccepted': 'WhatsApp did not accept this account. An administrator needs to check its access.',
  'whatsapp.templateRejected': 'WhatsApp rejected the message template.',
  'whatsapp.unreachable': 'WhatsApp could not be reached just now; Greenline will try again.',
  'whatsapp.couldNotSend': 'WhatsApp could not send this message.',
  'whatsapp.noAnswerInTime': 'WhatsApp did not answer in time; Greenline will try again.',
  'whatsapp.networkDown': 'Could not reach WhatsApp (the network or WhatsApp may be down); Greenline will try again.',
  'sms.credentials': 'The SMS provider refused Greenline’s credentials; an administrator should check them.',
  'sms.providerSlowDown': 'The SMS provider asked Greenline to slow down; it will try again.',
  'sms.invalidNumber': 'This is not a valid phone number for SMS.',
  'sms.country': 'Your SMS account may not send to this country.',
  'sms.empty': 'The message is empty.',
  'sms.stopped': 'This person replied STOP to your texts; they must text START before you can text them again.',
  'sms.cannotSendTo': 'Your SMS number cannot send to this number.',
  'sms.notMobile': 'This number cannot receive SMS (it is not a mobile number).',
  'sms.tooLong': 'The message is too long for SMS (at most 1600 characters).',
  'sms.queueOverflow': 'The SMS queue overflowed; Greenline will try again.',
  'sms.unreachable': 'The phone was unreachable (switched off or out of coverage).',
  'sms.blocked': 'The recipient blocked messages from your number.',
  'sms.noSuchNumber': 'The number does not exist or is no longer in service.',
  'sms.landline': 'This number cannot receive SMS (a landline or an unreachable carrier).',
  'sms.spam': 'The carrier filtered the message as spam.',
  'sms.carrierUnknown': 'The carrier could not deliver the message (unknown error).',
  'sms.providerNotDelivered': 'The SMS provider could not deliver the message.',
  'sms.providerNotDeliveredCode': 'The SMS provider could not deliver the message (error {code}).',
  'sms.providerUnreachable': 'Could not reach the SMS provider; Greenline will try again.',
  'sms.providerNotAnswering': 'The SMS provider is not answering; Greenline will try again.',
  'sms.serviceUnreachable': 'Could not reach the SMS service; Greenline will try again.',
  'sms.serviceSlowDown': 'The SMS service asked Greenline to slow down; it will try again.',
  'sms.serviceNotAnswering': 'The SMS service is not answering; Greenline will try again.',
  'sms.serviceRefused': 'The SMS service refused this message.',
  'sms.notDelivered': 'The SMS could not be delivered.',

  'user.notFound': 'There is no such user in this organization',
  'user.colleagueNotFound': 'There is no such colleague in your organization',
  'admin.serverOnly': 'People and tokens are managed on the Greenline server; this app runs on its own',
  'admin.chooseOptIn': 'Only an administrator can choose the consent request template',
  'admin.resume': 'Only an administrator can resume sending',
  'export.rangeInvalid': 'The export range must end after it starts',
  'export.adminOnly': 'Only an administrator can export the whole organization',

  'contact.notFound': 'This contact does not exist (it may have been deleted)',
  'contact.phoneTaken': '{phone} is already saved as {name}',
  'contact.whatsAppUserTaken': 'This WhatsApp user is already saved as {name}',
  'contact.numberAdminsOnly': "Your organization lets only administrators change a contact's number",
  'contact.numberParticipantsOnly':
    'This contact has a WhatsApp conversation you are not part of, so only its participants can change the number',
  'contact.nameRequired': 'A name is required',
  'contact.nameTooLong': 'The name is longer than 200 characters',
  'contact.notAnEmail': '"{email}" is not an email address',
  'contact.notALanguage': '"{language}" is not a language code such as pt_BR, es or en_US',
  'phone.empty': 'The phone number is empty',
  'phone.notANumber': '"{phone}" is not a phone number',
  'phone.invalid': '"{phone}" is not a valid phone number for {region} or in international format (+country code)',
  'contact.saveFirst': 'Save the contact first: conversations start from a saved contact',
  'contact.noWhatsAppNumber': '{name} has no phone number to reach on WhatsApp',
  'contact.noNumber': '{name} has no phone number',

  'import.empty': 'The file is empty',
  'import.noNameColumn': 'The header row has no name column (name, or first name / last name)',
  'import.noName': 'No name',
  'import.cardNotClosed': 'A card was not closed with END:VCARD',
  'import.endWithoutBegin': 'END:VCARD without BEGIN:VCARD',
  'import.cardWithoutName': 'The card has no name (FN or N)',
  'import.notVCard': 'Not part of a vCard',
  'import.duplicate': 'Duplicate of line {line} ({phone})',

  'conversation.notFound': 'This conversation does not exist',
  'conversation.removed': 'You were removed from this conversation',
  'conversation.notParticipant': 'You are not a participant of this conversation',
  'conversation.ended': 'This conversation has ended. Restart it to write again.',
  'conversation.changedNotAdded':
    'You are no longer in this conversation (it changed while you were acting on it), so {user} was not added',
  'conversation.changedNotRemoved':
    'You are no longer in this conversation (it changed while you were acting on it), so {user} was not removed',
  'conversation.changedNotLeft':
    'You are no longer in this conversation (it changed while you were acting on it), so there was nothing to leave',
  'conversation.changedNotTransferred':
    'You are no longer in this conversation (it changed while you were acting on it), so it was not transferred',
  'conversation.changedNotHandedOver':
    'You are no longer in this conversation (it changed while you were acting on it), so it was not handed over',
  'conversation.alreadyIn': '{user} is already in this conversation',
  'conversation.notIn': '{user} is no longer in this conversation',
  'conversation.transferToSelf': 'Choose a colleague other than yourself',
  'conversation.transferRaced': '{by} already transferred this conversation to {to}, so yours was not transferred',
  'conversation.handOverToSame': 'Choose a colleague other than the one leaving',
  'conversation.stillGoing': 'This conversation is still going on; there is nothing to restart',
  'conversation.alreadyRestarted': 'This conversation was already restarted by a colleague; ask them to add you',

  'consent.whatsAppOnly': 'Consent is only asked for on WhatsApp',
  'consent.alreadyGranted': '{name} has already agreed to receive messages',
  'consent.optedOut': '{name} asked not to be contacted; they can opt back in by writing to you',
  'consent.tooSoon': '{name} was asked less than 24 hours ago; the request can be sent again once a day',
  'consent.cannotAsk': '{name} cannot be asked now',
  'consent.notGiven': '{name} has not agreed to receive WhatsApp messages',

  'optIn.templatePaused': 'The consent request template is paused by WhatsApp — ask your admin.',
  'optIn.templateDisabled': 'The consent request template is disabled by WhatsApp — ask your admin.',
  'optIn.templateRejected': 'The consent request template is rejected by WhatsApp — ask your admin.',
  'optIn.templatePending': 'The consent request template is still waiting for approval by WhatsApp — ask your admin.',
  'optIn.templateNotApproved': 'The consent request template is not approved by WhatsApp ({status}) — ask your admin.',
  'optIn.unknownTemplate': 'There is no template {name} on the business account (read the templates again?)',
  'optIn.notApproved': '{name} cannot ask for consent: WhatsApp has not approved it in any language.',
  'optIn.oneVariable':
    '{name} cannot ask for consent: its {language} text must have exactly one variable, {variable}, for the business name.',
  'optIn.twoButtons': '{name} cannot ask for consent: its {language} version must have two quick-reply buttons (yes, then no).',

  'template.whatsAppOnly': 'Templates are only sent on WhatsApp',
  'template.notFound': 'There is no template {name} ({language}) on the business account',
  'template.notUsable': 'The template {name} is {status} in WhatsApp and cannot be sent',
  'template.fillFields': 'Fill in all {count} fields of the template, each on one line',

  'message.notFound': 'This message does not exist',
  'message.idTaken': 'This message id is already used; send it again as a new message',
  'message.blocked': 'Not sent: {reason}',
  'message.checkFirst': 'Check before sending: {reason}',
  'message.retryOnlyFailed': 'Only a failed message can be retried',
  'message.alreadySending': 'This message is already being sent',
  'message.cancelOnlyWaiting': 'Only a waiting message can be cancelled',
  'message.notSent': 'Not sent: {reason}',
  'message.accountPaused': 'Not sent: WhatsApp is refusing messages from our business number',
  'message.heldAwaitingConsent': 'Not sent: waiting for {name} to accept the opt-in request',
  'message.heldAwaitingReply': 'Not sent: the 24-hour window with {name} is closed until they write again',
  'message.heldOptedOut': 'Not sent: {name} asked not to be contacted on WhatsApp',
  'message.heldNotOnWhatsApp': 'Not sent: {name} is not on WhatsApp — send an SMS instead',

  'quote.whatsAppOnly': 'Only WhatsApp messages can quote an earlier message',
  'quote.otherThread': 'The quoted message is not in this thread',
  'quote.notYetSent': 'The quoted message has not reached WhatsApp yet, so it cannot be quoted',
  'reaction.whatsAppOnly': 'Reactions can only be sent on WhatsApp',
  'reaction.notYetSent': 'This message has not reached WhatsApp yet, so it cannot be reacted to',

  'picture.gone': 'This picture is no longer available; add it again',
  'picture.whatsAppOnly': 'Pictures can only be sent on WhatsApp',
  'picture.nothingToDownload': 'Nothing to download for this message',

  'media.empty': 'This file is empty.',
  'media.notAnImage': "This file isn't a picture.",
  'media.corrupt': 'This picture is damaged or incomplete, so it cannot be opened.',
  'media.tooLarge': 'This picture is too large to send, even after shrinking it.',
  'media.tooManyPixels': 'This picture has more than 50 megapixels, too many to open safely. Send a smaller copy of it.',
  'media.svg': "SVG pictures can't be sent on WhatsApp. Save it as PNG or JPEG first.",
  'media.unsupportedKind': "{kind} pictures can't be sent on WhatsApp. Save it as JPEG or PNG first.",
  'media.unsupported': "This kind of picture can't be sent on WhatsApp. Save it as JPEG or PNG first.",
  'auth.tooManyAttempts': 'Too many sign-in attempts. Wait a few minutes, then try again.',
  'auth.mismatch': "That user ID and password don't match.",
  'auth.inviteExpired': 'This invitation has expired or was already used.',
  'auth.passwordTooShort': 'A password needs at least {count} characters',
  'auth.passwordTooLong': 'That password is too long',
  'auth.ssoUnreachable': 'The identity provider cannot be reached right now. Try again, or sign in with a password.',
  'auth.noAccess': 'Your organization has not given you access to Greenline yet. Ask your administrator.',
  'auth.ssoNotStartedHere': 'That sign-in was not started here or has expired. Start again.',
  'auth.ssoIncomplete': 'Single sign-on did not complete. Try again.',
  'auth.deviceSignInExpired': 'This sign-in has expired or was already used. Sign in again.',
  'oidc.tooSlow': 'The sign-in took too long (over 10 minutes); start the sign-in again',
  'oidc.stateMismatch': 'The sign-in response does not belong to this sign-in (state mismatch); start the sign-in again',
  'oidc.cancelled': 'The sign-in was cancelled or denied at the identity provider (access_denied{detail})',
  'oidc.providerRefused': 'The identity provider refused the sign-in ({error}{detail}); start the sign-in again',
  'oidc.rejected': 'The identity provider rejected the sign-in ({error}); start the sign-in again',
  'oidc.unverifiable': "The identity provider's response could not be verified: {detail}",
  'oidc.noIdToken': 'The identity provider returned no ID token',
  'oidc.profileUnreadable': "Could not read the user's profile from the identity provider: {detail}",
  'oidc.emailUnverified': 'The identity provider has not verified this e-mail address',
  'oidc.claimMissing': 'The identity provider did not send the "{claim}" claim needed to sign in',
  'oidc.configUnreadable': "Could not read the identity provider's configuration at {issuer}: {detail}",
  'teamServer.cantReach': "Can't reach the Greenline server at that address. Check the address and your network, then try again.",
  'teamServer.certificateSignIn':
    "The server's security certificate could not be verified, so Greenline did not sign in. Ask your administrator to check the server's certificate.",
  'teamServer.serverErrorSignIn': 'The Greenline server had a problem answering. Try again in a moment.',
  'teamServer.denied': 'Sign-in was cancelled in the browser.',
  'teamServer.expired': 'That sign-in expired before it finished. Sign in again.',
  'teamServer.cancelled': 'Sign-in was cancelled.',
  'teamServer.badAddress': 'Enter the server address your administrator gave you, starting with https://',
  'teamServer.unreachable': "Can't reach the Greenline server. Check the address and your network; Greenline keeps trying.",
  'teamServer.certificate':
    "The server's security certificate could not be verified, so Greenline did not connect. Ask your administrator to check the server's certificate.",
  'teamServer.refusedToken': 'The server no longer accepts this device. Sign in again; messages waiting to be sent are kept.',
  'teamServer.serverError': 'The Greenline server had a problem answering. Greenline keeps trying.',
  'teamServer.notSignedOutOnServer':
    'This computer is signed out, but the server could not be told. Revoke the token named after this computer under Settings → Access tokens in the browser.',
} as const

export type EngineTextCode = keyof typeof ENGINE_TEXTS

/**
 * Names, numbers and other values a text is written with, shown as given; a value that is itself
 * an EngineText (a reason inside "Not sent: {reason}") is written in the window's language too.
 */
export type TextParams = Record<string, string | number | EngineText>

/** A sentence for a person as a code and its values, so each window writes it in its language. */
export interface EngineText {
  code: EngineTextCode
  params?: TextParams
}

/** EngineText as it crosses the boundary (a window may not know the code). */
export interface WireText {
  code: string
  params?: Record<string, string | number | WireText>
}

/** A line of an import that was skipped and why: in English and as a code (ImportSummary.skipped). */
export interface SkippedLine {
  line: number
  reason: string
  text?: EngineText
}

export function skippedLine(line: number, text: EngineText): SkippedLine {
  return { line, reason: englishOf(text), text }
}

export function engineText(code: EngineTextCode, params?: TextParams): EngineText {
  return params ? { code, params } : { code }
}

/** The English sentence ({name} replaced by its value; an unknown placeholder stays as written). */
export function englishOf(text: EngineText): string {
  return ENGINE_TEXTS[text.code].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = text.params?.[name]
    if (value === undefined) return whole
    return typeof value === 'object' ? englishOf(value) : String(value)
  })
}

/** Failure sentences stored in English by older code paths (a message's error, the account pause), by their words. */
const STORED_REASONS = new Map(
  (Object.entries(ENGINE_TEXTS) as [EngineTextCode, string][])
    .filter(([code]) => code.startsWith('whatsapp.') || code.startsWith('sms.'))
    .map(([code, english]) => [english, code]),
)

/**
 * A WhatsApp or SMS failure stored in English (a message's error, the account pause) as an engine
 * text, while its words are still one of the catalogue's; `{code}` in a sentence is the stored
 * provider code. Words an older version stored, or a provider's own text, give undefined: the
 * window then shows them as stored.
 */
export function storedReasonText(code: number | null | undefined, reason: string | null | undefined): EngineText | undefined {
  if (!reason) return undefined
  const exact = STORED_REASONS.get(reason)
  if (exact) return engineText(exact)
  if (code === null || code === undefined) return undefined
  for (const [english, textCode] of STORED_REASONS) {
    if (english.includes('{code}') && english.replace('{code}', String(code)) === reason) return engineText(textCode, { code })
  }
  return undefined
}

/** Every sentence without {values}, by its English words. */
const PLAIN_TEXTS = new Map(
  (Object.entries(ENGINE_TEXTS) as [EngineTextCode, string][])
    .filter(([, english]) => !english.includes('{'))
    .map(([code, english]) => [english, code]),
)

/**
 * A sentence that travels as English only (a status line from the desktop's team client) as an
 * engine text, when its words are one of the catalogue's sentences without values.
 */
export function textOfEnglish(english: string | null | undefined): EngineText | undefined {
  const code = english ? PLAIN_TEXTS.get(english) : undefined
  return code ? engineText(code) : undefined
}
