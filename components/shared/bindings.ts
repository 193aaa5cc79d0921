import type { Key } from 'ink';

/**
 * One key binding, declared once: the keys that trigger it, what the hint bar and the help overlay say, when it
 * does something, and what it does. Screens list their bindings in their keys.ts; the key router, the hint bar
 * and the help overlay all read those lists, so no handler matches a raw character again.
 */
export interface Binding<C> {
  /** Key names as keyName() writes them: a printable character, or esc, enter, space, backspace, up, down, ctrl+c. */
  keys: readonly string[];
  /** How the hint bar and the help write the keys (default: the keys joined by "/"). */
  hint?: string;
  /** The hint bar's word; a binding without one is not on the bar. */
  label?: string;
  /** The help overlay's line; a binding without one is not in the overlay. */
  help?: string;
  /** When the binding does something (default: always). The hint bar only shows bindings that do. */
  when?: (ctx: C) => boolean;
  /** What it does; `key` is the name that triggered it (for bindings of several keys, e.g. + and -). */
  run: (ctx: C, key: string) => void;
}

/** What the hint bar shows of a binding. */
export interface Hint {
  key: string;
  label: string;
}

/** The name of a key press, as bindings list it. */
export function keyName(input: string, key: Key): string {
  if (key.ctrl && input === 'c') return 'ctrl+c';
  if (key.escape) return 'esc';
  if (key.return) return 'enter';
  if (key.backspace || key.delete) return 'backspace';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (input === ' ') return 'space';
  return input;
}

export const hintOf = (b: Pick<Binding<never>, 'keys' | 'hint'>): string => b.hint ?? b.keys.join('/');

const applies = <C>(b: Binding<C>, ctx: C) => b.when?.(ctx) ?? true;

/** The first binding of `name` that does something now. */
export function findBinding<C>(bindings: readonly Binding<C>[], ctx: C, name: string): Binding<C> | undefined {
  return bindings.find((b) => b.keys.includes(name) && applies(b, ctx));
}

/** Run the binding of `name`, if one does something now; true when one did. */
export function runBinding<C>(bindings: readonly Binding<C>[], ctx: C, name: string): boolean {
  const binding = findBinding(bindings, ctx, name);
  binding?.run(ctx, name);
  return binding !== undefined;
}

/** The hint bar's entries: the labelled bindings that do something now. */
export function hintsFor<C>(bindings: readonly Binding<C>[], ctx: C): Hint[] {
  return bindings.filter((b) => b.label && applies(b, ctx)).map((b) => ({ key: hintOf(b), label: b.label! }));
}
