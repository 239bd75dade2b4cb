/**
 * Media types (RFC 2046) for attachments, guessed from the file name's
 * extension. A short table of common types keeps smtp-probe free of
 * dependencies; anything else is sent as application/octet-stream, which
 * every mail client can save.
 */

/** The media type for files whose extension is not in the table. */
export const DEFAULT_MEDIA_TYPE = 'application/octet-stream';

// message/rfc822 (.eml) is left out on purpose: RFC 2046 §5.2.1 forbids
// base64 for it, and attachments are always base64.
const BY_EXTENSION: Record<string, string> = {
  txt: 'text/plain',
  log: 'text/plain',
  csv: 'text/csv',
  htm: 'text/html',
  html: 'text/html',
  ics: 'text/calendar',
  xml: 'application/xml',
  json: 'application/json',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  mp4: 'video/mp4',
};

/**
 * Finds the media type for a file name by its extension, ignoring case,
 * e.g. `image/png` for `Logo.PNG`; the default for an unknown extension.
 */
export function mediaTypeFor(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  const extension = dot === -1 ? '' : fileName.slice(dot + 1).toLowerCase();
  // hasOwn: a name like `x.constructor` must not find Object's members.
  return Object.hasOwn(BY_EXTENSION, extension) ? BY_EXTENSION[extension]! : DEFAULT_MEDIA_TYPE;
}
