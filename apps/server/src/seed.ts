import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** Demo data: filled in by the learning module's seed (see seed-demo in modules). */
export async function seedDemo(app: NestFastifyApplication, opts: { force?: boolean } = {}): Promise<void> {
  void app;
  void opts;
}
