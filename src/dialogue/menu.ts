/**
 * dialogue/ runs a bot definition; it is pure (no DOM, fetch or worker). This file: the buttons-only
 * responder, which answers a menu choice or explains that free text is not understood yet.
 */
import type { MenuBot, MenuItem } from '../bot/menu-bot';
import { trimText } from '../text';

export type MenuReply =
  | { kind: 'answer'; item: MenuItem; text: string }
  | { kind: 'not-understood' };

/** Normalises for label matching: case, accents, surrounding punctuation and spaces do not matter. */
function normalise(text: string): string {
  return trimText(
    text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' '),
  );
}

/** Finds the menu item the visitor picked, by id (button press) or by typing its label. */
export function findMenuItem(bot: MenuBot, choice: { id: string } | { text: string }): MenuItem | undefined {
  if ('id' in choice) return bot.menu.find((item) => item.id === choice.id);
  const wanted = normalise(choice.text);
  return wanted ? bot.menu.find((item) => normalise(item.label) === wanted) : undefined;
}

export function replyFromMenu(bot: MenuBot, choice: { id: string } | { text: string }): MenuReply {
  const item = findMenuItem(bot, choice);
  return item ? { kind: 'answer', item, text: item.response } : { kind: 'not-understood' };
}
