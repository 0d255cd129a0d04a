import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, type RequestContext, requirePlatformAdmin } from '../../../kernel/auth/index.js';
import { AdminUsersService } from './admin-users.service.js';
import { AdminUserDto, AdminUserPageDto, ListUsersQueryDto, SuspendUserDto, UserParamsDto } from './users.dto.js';

@ApiTags('admin')
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly admin: AdminUsersService) {}

  @Get()
  @ApiOperation({ summary: 'Every account, searchable by name or email (platform admins only)' })
  @ZodResponse({ status: 200, type: AdminUserPageDto })
  list(@Ctx() ctx: RequestContext, @Query() q: ListUsersQueryDto) {
    requirePlatformAdmin(ctx);
    return this.admin.list(q);
  }

  @Post(':id/suspend')
  @ApiOperation({ summary: 'Suspend an account: sign-in refused, sessions revoked, API keys refused (platform admins only)' })
  @ZodResponse({ status: 200, type: AdminUserDto })
  suspend(@Ctx() ctx: RequestContext, @Param() p: UserParamsDto, @Body() body: SuspendUserDto) {
    return this.admin.suspend(requirePlatformAdmin(ctx), p.id, body.reason ?? null);
  }

  @Post(':id/reactivate')
  @ApiOperation({ summary: 'Lift a suspension (platform admins only)' })
  @ZodResponse({ status: 200, type: AdminUserDto })
  reactivate(@Ctx() ctx: RequestContext, @Param() p: UserParamsDto) {
    return this.admin.reactivate(requirePlatformAdmin(ctx), p.id);
  }
}
