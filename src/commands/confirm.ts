import readline from 'node:readline/promises';

/** Whether a person is there to answer a question (stdin and stdout are terminals). */
export const interactive = () => Boolean(process.stdin.isTTY && process.stdout.isTTY);

/** Ask on the terminal; true when the answer is exactly `word`. */
export async function confirmTyped(question: string, word: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(question);
    return answer.trim() === word;
  } finally {
    rl.close();
  }
}
