import type { Strings } from './en';

export const fr: Strings = {
  openChat: 'Ouvrir la discussion',
  closeChat: 'Fermer la discussion',
  chatWith: 'Discuter avec {bot}',
  restart: 'Recommencer la conversation',
  inputLabel: 'Saisissez votre message',
  inputPlaceholder: 'Écrivez un message…',
  send: 'Envoyer',
  charactersLeft: '{count} caractères restants',
  typing: '{bot} écrit…',
  you: 'Vous',
  helpful: 'Utile',
  notHelpful: 'Pas utile',
  thanksForFeedback: 'Merci pour votre avis',
  notUnderstood: 'Désolé, pour l’instant je ne peux vous aider que sur ces sujets :',
  loadFailed: 'L’assistant n’a pas pu se charger. Vérifiez votre connexion et réessayez.',
  retry: 'Réessayer',
  dismiss: 'Fermer l’alerte',
  loading: 'Chargement…',
  messagesLabel: 'Conversation',
  suggestions: 'Réponses suggérées',
};
