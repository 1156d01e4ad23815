/**
 * What the engine says when the bot defines no response of that name: every bot works out of the
 * box, and a bot in another language overrides these names in its own `responses`.
 */
import type { Variation } from '../bot/dialogue-schema';

const YES_NO_PERSON = [
  { title: 'Yes, a person please', payload: '/affirm' },
  { title: 'No thanks', payload: '/deny' },
];

export const BUILTIN_RESPONSES: Readonly<Record<string, readonly Variation[]>> = {
  fallback: ["Sorry, I didn't get that. I can help with: {capabilities}.", "I'm not sure I understood. Here is what I can do: {capabilities}."],
  clarify: ['Did you mean one of these?', 'Just to be sure, which of these did you mean?'],
  offer_human: [{ text: 'I seem to be struggling with this one. Would you like to talk to a person?', buttons: YES_NO_PERSON }],
  handoff: ["I'm handing you over to a member of our team. They will see our conversation so far."],
  no_handoff: ['No problem. What else can I do for you?'],
  form_cancelled: ['Okay, I stopped there. What else can I do for you?', 'No problem, cancelled. Anything else?'],
  resume_form: ['Back to {flow_title}: {question}'],
  confirm_switch: [
    {
      text: 'We are in the middle of {flow_title}. Leave it for {new_flow_title}?',
      buttons: [
        { title: 'Yes, switch', payload: '/affirm' },
        { title: 'No, carry on', payload: '/deny' },
      ],
    },
  ],
  slot_invalid: ['That does not look right: {reason}. {question}'],
  slot_gave_up: [{ text: "I still can't use that, so let's stop here. Would you like to talk to a person?", buttons: YES_NO_PERSON }],
  action_failed: [{ text: 'Sorry, something went wrong on our side: {reason}. Would you like to talk to a person?', buttons: YES_NO_PERSON }],
  confirm_cancelled: ["Okay, I won't do that. Anything else?"],
  please_wait: ['One moment, I am still working on your last request.'],
  default_ask: ['What is your {slot_name}?'],
  done: ['Done. Anything else I can help with?'],
  welcome_back: ['Welcome back! What can I do for you?'],
};
