/**
 * Waits for every named step, but no longer than `ms`: the names of the steps still pending
 * then (they go on running; nobody waits for them). A step that fails counts as ended: its
 * own code reports the failure.
 *
 * @example const abandoned = await settleByDeadline({ 'mail deliveries': mailer.stop() }, 10_000);
 */
export async function settleByDeadline(
  steps: Readonly<Record<string, Promise<unknown> | undefined>>,
  ms: number,
): Promise<string[]> {
  const pending = new Set<string>();
  const ended: Promise<unknown>[] = [];
  for (const [name, step] of Object.entries(steps)) {
    if (step === undefined) continue;
    pending.add(name);
    const forget = () => pending.delete(name);
    ended.push(step.then(forget, forget));
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, ms));
  });
  try {
    await Promise.race([Promise.all(ended), deadline]);
  } finally {
    clearTimeout(timer);
  }
  return [...pending];
}
