import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { ZodValidationException, ZodValidationPipe } from 'nestjs-zod';
import type { ZodError } from 'zod';
import { Invalid, zodFieldErrors } from '../errors/index.js';

/**
 * nestjs-zod's validation pipe, but its errors name the part of the request they concern
 * (`body.settings.website`, `query.limit`, `param.id`), so clients can show each message beside
 * the field it is about.
 */
@Injectable()
export class RequestValidationPipe implements PipeTransform {
  private readonly zod = new ZodValidationPipe();

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    try {
      return this.zod.transform(value, metadata);
    } catch (err) {
      if (!(err instanceof ZodValidationException)) throw err;
      const prefix = metadata.type === 'custom' ? 'request' : metadata.type;
      throw new Invalid(
        'The request did not pass validation; see `errors` for each field.',
        zodFieldErrors(err.getZodError() as ZodError, prefix),
        'validation_failed',
      );
    }
  }
}
