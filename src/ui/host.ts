/** The custom element name of every Parley host; unregistered on purpose (a plain HTMLElement). */
export const HOST_TAG = 'parley-widget';
