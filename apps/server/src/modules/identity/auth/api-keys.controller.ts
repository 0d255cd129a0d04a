import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, type RequestContext, requireUser } from '../../../kernel/auth/index.js';
import { Invalid } from '../../../kernel/errors/index.js';
import { ApiKeyPageDto, ApiKeyParamsDto, ApiKeysQueryDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-keys.dto.js';
import { ApiKeysService } from './api-keys.service.js';

@ApiTags('auth')
@Controller('me/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create a personal API key; the response is the only time the key is shown' })
  @ZodResponse({ status: 201, type: CreatedApiKeyDto })
  create(@Ctx() ctx: RequestContext, @Body() body: CreateApiKeyDto, @Req() req: FastifyRequest) {
    // A replayable response would keep the plaintext key in the idempotency table for a day.
    // (Read from the request, not @Headers(): that would document the header as required.)
    if (req.headers['idempotency-key'] !== undefined) {
      throw new Invalid('Creating an API key does not accept an Idempotency-Key: its response holds the secret key, which is never stored.', [
        { field: 'header.idempotency-key', message: 'not accepted here' },
      ], 'idempotency_not_supported');
    }
    return this.keys.create(requireUser(ctx), body);
  }

  @Get()
  @ApiOperation({ summary: 'Your API keys, newest first (never the keys themselves)' })
  @ZodResponse({ status: 200, type: ApiKeyPageDto })
  list(@Ctx() ctx: RequestContext, @Query() q: ApiKeysQueryDto) {
    return this.keys.list(requireUser(ctx), q);
  }

  @Delete(':keyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key' })
  @ApiNoContentResponse()
  async revoke(@Ctx() ctx: RequestContext, @Param() p: ApiKeyParamsDto): Promise<void> {
    await this.keys.revoke(requireUser(ctx), p.keyId);
  }
}
