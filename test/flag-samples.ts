import type { FlagDef } from '../src/commands/flags.js';

/** A value the flag's kind accepts, so that a refusal can only be about who owns the flag. */
export function sampleArgs(f: FlagDef): string[] {
  switch (f.type.kind) {
    case 'switch':
      return [`--${f.name}`];
    case 'duration':
      return [`--${f.name}`, '2s'];
    case 'integer':
      return [`--${f.name}`, String(Math.max(f.type.min, Math.min(f.type.max, 5)))];
    case 'ratio':
      return [`--${f.name}`, '0.5'];
    case 'choice':
      return [`--${f.name}`, f.type.values[0]!];
    case 'text':
      return [
        `--${f.name}`,
        f.name === 'database-url' ? 'postgres://u:p@127.0.0.1:1/db' : f.name === 'cron' ? '5 * * * *' : 'x',
      ];
  }
}
