import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { z } from 'zod';
import nodemailer, { type Transporter } from 'nodemailer';
import { v7 as uuidv7 } from 'uuid';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import type { DbOrTx } from '../db/index.js';
import { defineJob, JobsService } from '../jobs/index.js';

const mailJob = defineJob(
  'mail.send',
  z.object({ to: z.string().min(3), subject: z.string().min(1), text: z.string(), html: z.string().optional() }),
  { maxAttempts: 8, queue: undefined },
);

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface SentMail {
  messageId: string;
  /** the .eml file, when no SMTP relay is configured */
  file?: string;
}

/**
 * The email port: SMTP through nodemailer when SMTP_URL is set; otherwise each message is
 * written as an .eml file under <DATA_DIR>/mail so sign-up and reset flows work offline.
 */
@Injectable()
export class Mailer implements OnModuleInit {
  private readonly log = new Logger('mail');
  private readonly transport: Transporter;
  readonly mailDir: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobsService,
  ) {
    this.mailDir = path.join(config.dataDir, 'mail');
    this.transport = config.SMTP_URL
      ? nodemailer.createTransport(config.SMTP_URL)
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  onModuleInit(): void {
    this.jobs.registry.handle(mailJob, async (msg) => {
      await this.send(msg);
    });
  }

  /** Queues the message in the caller's transaction; a job sends it (retried on failure). */
  async enqueue(tx: DbOrTx, msg: MailMessage): Promise<void> {
    await this.jobs.enqueue(tx, mailJob, msg);
  }

  /** Sends now. Use from jobs; request handlers use enqueue(). */
  async send(msg: MailMessage): Promise<SentMail> {
    const info = (await this.transport.sendMail({ from: this.config.MAIL_FROM, ...msg })) as { messageId: string; message?: Buffer };
    if (this.config.SMTP_URL) {
      this.log.log(`sent "${msg.subject}" to ${msg.to}`);
      return { messageId: info.messageId };
    }
    await mkdir(this.mailDir, { recursive: true });
    const safeTo = msg.to.replace(/[^a-zA-Z0-9@._-]/g, '_');
    const file = path.join(this.mailDir, `${uuidv7()}-${safeTo}.eml`);
    await writeFile(file, info.message ?? Buffer.alloc(0));
    this.log.log(`mail "${msg.subject}" to ${msg.to} written to ${file}`);
    return { messageId: info.messageId, file };
  }
}
