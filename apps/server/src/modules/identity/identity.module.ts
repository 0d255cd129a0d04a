import { Module } from '@nestjs/common';
import { SESSION_RESOLVER } from '../../kernel/auth/index.js';
import { AccessService } from './access/access.service.js';
import { PermissionsController } from './access/permissions.controller.js';
import { RolesController } from './access/roles.controller.js';
import { RolesService } from './access/roles.service.js';
import { ApiKeysController } from './auth/api-keys.controller.js';
import { ApiKeysService } from './auth/api-keys.service.js';
import { AuthService } from './auth/auth.service.js';
import { InvitationsController, OrganizationInvitationsController } from './organizations/invitations.controller.js';
import { InvitationsService } from './organizations/invitations.service.js';
import { MembersController } from './organizations/members.controller.js';
import { MembersService } from './organizations/members.service.js';
import { MyOrganizationsController, OrganizationsController } from './organizations/organizations.controller.js';
import { OrganizationsService } from './organizations/organizations.service.js';
import { AdminUsersController } from './users/admin-users.controller.js';
import { AdminUsersService } from './users/admin-users.service.js';
import { AvatarsService } from './users/avatars.service.js';
import { SuspensionSubscriber } from './users/suspension.subscriber.js';
import { MeController } from './users/users.controller.js';
import { UsersService } from './users/users.service.js';

@Module({
  controllers: [
    MeController,
    ApiKeysController,
    MyOrganizationsController,
    OrganizationsController,
    MembersController,
    OrganizationInvitationsController,
    InvitationsController,
    PermissionsController,
    RolesController,
    AdminUsersController,
  ],
  providers: [
    AccessService,
    AuthService,
    { provide: SESSION_RESOLVER, useExisting: AuthService },
    ApiKeysService,
    OrganizationsService,
    MembersService,
    InvitationsService,
    RolesService,
    UsersService,
    AvatarsService,
    AdminUsersService,
    SuspensionSubscriber,
  ],
  exports: [AccessService, AuthService, SESSION_RESOLVER, OrganizationsService, UsersService],
})
export class IdentityModule {}
