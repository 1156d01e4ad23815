/**
 * conversation/ owns one visitor's session: it turns what the visitor does into bot replies and
 * exposes the transcript as signals. The UI talks only to a `Conversation`, never to NLU or fetch.
 * Until the language model lands, every conversation runs in buttons-only mode.
 */
import { createConversationWithBot } from './conversation';
import type { Conversation, ConversationOptions } from './types';

export type * from './types';

export function createConversation(options: ConversationOptions): Conversation {
  return createConversationWithBot(options);
}
