import readline from 'node:readline/promises';

/** Whether a person is there to answer a question (stdin and stdout are terminals). */
export const interactive = () => Boolean(process.stdin.isTTY && process.stdout.isTTY);

/**
 * Ask on the terminal; true when the answer is exactly `word`. Ctrl-C at the prompt (the terminal gives it to the
 * prompt, not as a signal) cancels: nothing was changed, and the command exits with `ctrlCExit` (its code for SIGINT).
 */
export async function confirmTyped(question: string, word: string, ctrlCExit: number): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(question);
    return answer.trim() === word;
  } catch (err) {
    if ((err as { code?: string }).code !== 'ABORT_ERR') throw err;
    process.stdout.write('\nCancelled: nothing was changed.\n');
    process.exit(ctrlCExit); // connections close with the process; a demo server is stopped by its exit hook
  } finally {
    rl.close();
  }
}
