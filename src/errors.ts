/** Documented exit codes (README "Exit codes"). */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  connection: 3,
  table: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error meant for the operator: one line naming the cause and the fix, and an exit code. */
export class ToolError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** The driver's error behind it, kept so callers can tell a transient failure from a lasting one. */
    readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'ToolError';
  }
}

export const usageError = (message: string) => new ToolError(message, EXIT.usage);

// Secrets registered here are scrubbed from every message the tool prints.
const secrets = new Set<string>();

export function registerSecret(secret: string | undefined): void {
  // A password of one to three characters would turn every message into asterisks; URLs are still redacted.
  if (secret && secret.length >= 4) secrets.add(secret);
}

/** Remove passwords from any text: registered secrets and the password part of URLs. */
export function redact(text: string): string {
  let out = text.replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@');
  out = out.replace(/(password\s*=\s*)('[^']*'|\S+)/gi, '$1***');
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}

interface PgLikeError {
  code?: string;
  message?: string;
  hostname?: string;
  address?: string;
  port?: number;
  routine?: string;
}

/** Where we tried to connect, for messages. Never holds the password. */
export interface Endpoint {
  host: string;
  port: number;
  database: string;
  user: string;
}

/** Turn a failure to connect or authenticate into one readable line (exit 3). */
export function connectionError(err: unknown, at: Endpoint): ToolError {
  const e = (err ?? {}) as PgLikeError;
  const where = `${at.host}:${at.port}`;
  const msg = String(e.message ?? err);
  let text: string;
  switch (true) {
    case e.code === 'ECONNREFUSED':
      text = `cannot connect to ${where}: connection refused. Check that PostgreSQL runs there and the host and port are right.`;
      break;
    case e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN':
      text = `cannot connect: unknown host "${at.host}". Check the host name in the connection settings.`;
      break;
    case e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH':
      text = `cannot connect to ${where}: host unreachable. Check the network path to the database.`;
      break;
    case /timeout/i.test(msg):
      text = `cannot connect to ${where}: no answer within the connect timeout. Check host, port and firewall, or raise --connect-timeout.`;
      break;
    case e.code === '28P01':
      text = `authentication failed for user "${at.user}" on ${where}. Check the password (DATABASE_URL or DATABASE_POSTGRES_PASSWORD).`;
      break;
    case e.code === '28000' && /no encryption/i.test(msg):
      text = `the server at ${where} requires TLS. Add sslmode=require to the URL or set DATABASE_POSTGRES_SSL_MODE=require.`;
      break;
    case e.code === '28000':
      text = `the server at ${where} refused user "${at.user}": ${msg}. Check pg_hba.conf and the user name.`;
      break;
    case e.code === '3D000':
      text = `database "${at.database}" does not exist on ${where}. Check the database name.`;
      break;
    case /does not support SSL/i.test(msg):
      text = `the server at ${where} does not offer TLS but TLS was asked for. Use sslmode=disable, or enable ssl on the server.`;
      break;
    case /self[- ]signed|certificate|unable to verify/i.test(msg):
      text = `TLS certificate check failed for ${where}: ${msg}. Use sslmode=require to skip verification, or give the CA.`;
      break;
    case /unsupported startup parameter/i.test(msg):
      return new ToolError(
        redact(
          `${where} looks like PgBouncer (${msg}). Maintenance needs the direct primary: use DATABASE_URL or DATABASE_POSTGRES_HOST, not DATABASE_PGBOUNCER_URL.`,
        ),
        EXIT.usage,
        err,
      );
    case e.code === '57P03':
      text = `the server at ${where} is starting up or shutting down. Try again in a moment.`;
      break;
    default:
      text = `cannot connect to ${where}: ${msg}`;
  }
  return new ToolError(redact(text), EXIT.connection, err);
}

/** One line for any error, with passwords removed. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return redact(err.message);
  return redact(String(err));
}
