import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { ALL_PERMISSIONS, BUILTIN_ROLE_KEYS, BUILTIN_ROLES, PERMISSIONS } from './permissions.js';
import { PermissionCatalogueDto } from './roles.dto.js';

@ApiTags('access')
@Controller('permissions')
export class PermissionsController {
  @Get()
  @ApiOperation({ summary: 'The permission catalogue and the built-in roles' })
  @ZodResponse({ status: 200, type: PermissionCatalogueDto })
  catalogue() {
    return {
      permissions: ALL_PERMISSIONS.map((key) => ({ key, description: PERMISSIONS[key] })),
      builtinRoles: BUILTIN_ROLE_KEYS.map((key) => ({ key, name: BUILTIN_ROLES[key].name, permissions: [...BUILTIN_ROLES[key].permissions] })),
    };
  }
}
