export { Mailer } from './mailer.js';
export type { MailMessage, SentMail } from './mailer.js';
