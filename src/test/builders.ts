/** Data builders for tests: a valid value by default, overridden where a test cares. */
import type { MenuBot } from '../bot/menu-bot';

export function aMenuBot(overrides: Partial<MenuBot> = {}): MenuBot {
  return {
    name: 'Test Bot',
    greeting: 'Hello! Pick a topic.',
    menu: [
      { id: 'hours', label: 'Opening hours', response: 'We are open **9 to 5**.' },
      { id: 'refund', label: 'Request a refund', response: 'Refunds take 30 days.' },
    ],
    ...overrides,
  };
}

/** A fetch that answers every request with the given JSON body and status. */
export function fetchReturning(body: unknown, init: ResponseInit = { status: 200 }): typeof fetch {
  return async () => new Response(typeof body === 'string' ? body : JSON.stringify(body), init);
}
