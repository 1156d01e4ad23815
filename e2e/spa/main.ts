import { mount, type ParleyHandle } from 'parley';

const menu = (topic: string) => [{ id: 'topic', label: topic, response: `All about ${topic}.` }];

const sales = mount({
  bot: { name: 'Sales Bot', greeting: 'Sales here.', menu: menu('Pricing') },
  target: document.getElementById('sales')!,
  replyDelayMs: 0,
});
const help = mount({
  bot: { name: 'Help Bot', greeting: 'Help here.', menu: menu('Returns') },
  target: document.getElementById('help')!,
  replyDelayMs: 0,
  locale: 'fr',
});

declare global {
  interface Window {
    widgets: Record<string, ParleyHandle>;
  }
}
window.widgets = { sales, help };
