import { Body, Controller, Delete, Get, Patch, Put, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, type RequestContext, requireUser } from '../../../kernel/auth/index.js';
import { MeDto, UpdateMeDto } from './users.dto.js';
import { AVATAR_MAX_BYTES, AVATAR_TYPES, AvatarsService } from './avatars.service.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Controller('me')
export class MeController {
  constructor(
    private readonly users: UsersService,
    private readonly avatars: AvatarsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Your account and profile' })
  @ZodResponse({ status: 200, type: MeDto })
  me(@Ctx() ctx: RequestContext) {
    return this.users.me(requireUser(ctx).actor.userId);
  }

  @Patch()
  @ApiOperation({ summary: 'Change your name, locale (BCP 47), time zone (IANA) or bio' })
  @ZodResponse({ status: 200, type: MeDto })
  update(@Ctx() ctx: RequestContext, @Body() body: UpdateMeDto) {
    return this.users.updateMe(requireUser(ctx), body);
  }

  @Put('avatar')
  @ApiOperation({
    summary: 'Upload your profile picture',
    description: `multipart/form-data with one file part: ${AVATAR_TYPES.join(', ')}, at most ${AVATAR_MAX_BYTES} bytes. The type is read from the bytes, not the declared type.`,
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ZodResponse({ status: 200, type: MeDto })
  async putAvatar(@Ctx() ctx: RequestContext, @Req() req: FastifyRequest) {
    const user = requireUser(ctx);
    await this.avatars.replace(user, req);
    return this.users.me(user.actor.userId);
  }

  @Delete('avatar')
  @ApiOperation({ summary: 'Remove your profile picture' })
  @ZodResponse({ status: 200, type: MeDto })
  async deleteAvatar(@Ctx() ctx: RequestContext) {
    const user = requireUser(ctx);
    await this.avatars.remove(user);
    return this.users.me(user.actor.userId);
  }
}
