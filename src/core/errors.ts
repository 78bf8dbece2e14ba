/**
 * The failures a user can cause or meet, by kind. Services throw them with a message that names
 * what is wrong; the GraphQL layer turns each kind into its error code and the CLI prints the
 * message. Anything else is a bug and stays an internal error.
 */

/** Who reads a message: a GraphQL caller (it names arguments) or a person at the command line (flags). */
export type Audience = 'api' | 'cli';

/** How a message names an option: the GraphQL argument or the command-line flag. */
export function optionName(audience: Audience, argument: string, flag: string): string {
  return audience === 'api' ? `\`${argument}\`` : flag;
}

/** Arguments or input files that cannot be used as given (GraphQL: BAD_USER_INPUT). */
export class BadInputError extends Error {
  /** The GraphQL argument at fault, when one is. */
  readonly argumentName: string | undefined;
  constructor(message: string, options: ErrorOptions & { argumentName?: string } = {}) {
    super(message, options);
    this.name = new.target.name;
    this.argumentName = options.argumentName;
  }
}

/** Something named that the atlas does not hold (GraphQL: NOT_FOUND). */
export class NotFoundError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A write that contradicts what the atlas holds, e.g. importing over an existing run (GraphQL: BAD_USER_INPUT). */
export class ConflictError extends BadInputError {}

/** A CLIP text encoder that cannot be loaded for the atlas's CLIP model (GraphQL: ENCODER_UNAVAILABLE). */
export class EncoderUnavailableError extends Error {
  readonly code = 'ENCODER_UNAVAILABLE';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Work the server cannot do now or here (GraphQL: its `code`): SERVICE_UNAVAILABLE when as many
 * such requests as it runs at once are running (retry), MODEL_UNAVAILABLE when a model's ONNX file
 * is not on the server's machine.
 */
export class UnavailableError extends Error {
  constructor(
    readonly code: 'SERVICE_UNAVAILABLE' | 'MODEL_UNAVAILABLE',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The message to show a person for any error, without SQL text or query parameters: a failed
 * database statement (Drizzle wraps it as "Failed query: <sql> params: <values>") is described by
 * the database's own reason instead. Every other message is returned as it is.
 */
export function userMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (!isQueryFailure(error)) return error.message;
  let cause: unknown = error.cause;
  while (cause instanceof Error && isQueryFailure(cause)) cause = cause.cause;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (code === '23505') return 'the atlas changed while this command ran (another command wrote the same record at the same time); run it again';
  const reason = cause instanceof Error && cause.message && !looksLikeSql(cause.message) ? `: ${cause.message}` : '';
  return `the database refused the operation${reason}`;
}

function isQueryFailure(error: Error): boolean {
  return error.name === 'DrizzleQueryError' || error.message.startsWith('Failed query:');
}

function looksLikeSql(text: string): boolean {
  return /\b(select|insert|update|delete)\b[\s\S]*\b(from|into|set|where)\b/i.test(text) || /\bparams:/.test(text);
}

/**
 * Whether `error` (or an error it wraps) is a database statement stopped at the request deadline
 * (ATLAS_REQUEST_TIMEOUT_MS): Postgres's statement_timeout (SQLSTATE 57014), node-postgres giving
 * up on a reply (through a hosted PGlite's socket), or no pooled connection free in time.
 */
const DEADLINE_MESSAGES = new Set(['Query read timeout', 'timeout exceeded when trying to connect', 'Connection terminated due to connection timeout']);

export function isDeadlineExceeded(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === '57014') return true;
    if (DEADLINE_MESSAGES.has(e.message)) return true;
  }
  return false;
}
