import type { NotifyDeps } from './notify-account.ts';

/**
 * Queues one of the account mails to `email`, with what every template shows: the address,
 * the provider's name and its URL. `path` (with its token) becomes the mail's `link`.
 */
export function mailOwner(
  deps: Pick<NotifyDeps, 'mailer' | 'issuer' | 'product'>,
  kind: string,
  email: string,
  data: Record<string, unknown> & { path?: string },
): Promise<void> {
  const { path, ...rest } = data;
  return deps.mailer.send({
    kind,
    to: email,
    data: {
      ...rest,
      ...(path === undefined ? {} : { link: `${deps.issuer}${path}` }),
      email,
      issuer: deps.issuer,
      product: deps.product,
    },
  });
}
