/** `parley chat <bot>`: talk to the bot in the terminal, with what the model understood on each turn. */
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { initialState, step } from '../../dialogue/engine';
import type { DialogueAction, DialogueState } from '../../dialogue/types';
import { DefinitionError } from '../../train/definition-files';
import { BundleError, loadBotRuntime } from '../bot-runtime';

function show(action: DialogueAction): string | null {
  switch (action.type) {
    case 'say':
    case 'ask':
      return `bot> ${action.text}${action.buttons ? `\n     [${action.buttons.map((b) => `${b.title} -> ${b.payload}`).join('] [')}]` : ''}`;
    case 'call_fulfillment':
      return `     (calls ${action.action} with ${JSON.stringify(action.slots)}; answer with /ok or /fail)`;
    case 'handoff':
      return `     (hands off to a person: ${action.reason})`;
    case 'end':
      return '     (conversation ended)';
    case 'set_slot':
      return null;
  }
}

export function registerChat(program: Command): void {
  program
    .command('chat')
    .argument('<bot>', 'bot definition (.yaml or .json), or a folder of them')
    .description('chat with the bot in the terminal (intent, confidence and entities shown per turn)')
    .option('--bundle <dir>', 'trained bundle (default: models/<bot name>/)')
    .action(async (bot: string, options: { bundle?: string }) => {
      let runtime;
      try {
        runtime = await loadBotRuntime(bot, options.bundle);
      } catch (error) {
        if (!(error instanceof DefinitionError || error instanceof BundleError)) throw error;
        console.error(error.message);
        process.exitCode = 1;
        return;
      }
      console.log(`${runtime.definition.name}: type a message; /intent_name sends an intent, /ok and /fail answer a backend call, /quit leaves.`);
      if (runtime.definition.greeting) console.log(`bot> ${runtime.definition.greeting}`);
      // Lines are read from an async iterator, which buffers them: piped input (a script of turns) is
      // answered line by line instead of being dropped while a turn is still running.
      const terminal = createInterface({ input: process.stdin, output: process.stdout, prompt: 'you> ' });
      let state: DialogueState = initialState(`chat-${Date.now()}`, Date.now());
      let calling: string | null = null;
      terminal.prompt();
      for await (const raw of terminal) {
        const line = raw.trim();
        if (line === '/quit') break;
        if (line === '') {
          terminal.prompt();
          continue;
        }
        if (!process.stdin.isTTY) console.log(line);
        const now = Date.now();
        let result;
        if ((line === '/ok' || line === '/fail') && calling) {
          result = step(runtime.dialogue, state, line === '/ok' ? { type: 'fulfillment', action: calling, ok: true, now } : { type: 'fulfillment', action: calling, ok: false, message: 'the backend failed (simulated)', now });
        } else if (line.startsWith('/')) {
          result = step(runtime.dialogue, state, { type: 'button', payload: line, now });
        } else {
          const parse = await runtime.parse(line, now);
          const entities = parse.entities.map((e) => `${e.entity}=${typeof e.value === 'object' ? JSON.stringify(e.value) : String(e.value)} (${e.extractor})`);
          console.log(`     ${parse.intent.name} ${(parse.intent.confidence * 100).toFixed(0)}%${entities.length ? `; ${entities.join(', ')}` : ''}`);
          result = step(runtime.dialogue, state, { type: 'message', text: line, parse, now, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone });
        }
        state = result.state;
        for (const action of result.actions) {
          if (action.type === 'call_fulfillment') calling = action.action;
          const text = show(action);
          if (text) console.log(text);
        }
        terminal.prompt();
      }
      terminal.close();
    });
}
