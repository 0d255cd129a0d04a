/**
 * The permission catalogue: every action a role can grant. Services check these strings; the
 * built-in roles below map onto them, and organizations compose custom roles from them.
 */
export const PERMISSIONS = {
  'organization.update': 'Edit the organization name, logo and settings',
  'organization.delete': 'Delete the organization',
  'member.read': 'See the member list',
  'member.invite': 'Invite people by email',
  'member.update_role': "Change a member's role",
  'member.remove': 'Remove members',
  'role.manage': 'Create, edit and delete custom roles',
  'course.read_all': 'See every course of the organization, drafts included',
  'course.create': 'Create courses (and edit the ones you teach)',
  'course.update': 'Edit any course of the organization',
  'course.publish': 'Publish, unpublish and archive courses you may edit',
  'course.delete': 'Delete courses you may edit',
  'enrollment.read': "See enrollments and learners' progress in courses you teach",
  'enrollment.manage': 'Enroll and remove learners, manage cohorts',
  'enrollment.manage_all': 'Manage enrollments in every course of the organization',
  'affiliate.manage': 'Approve affiliates, set commission rules and pay out commissions',
  'revenue.read_all': "See the organization's revenue and set the instructor revenue share",
  'media.manage': "Upload, rename and delete files in the organization's media library",
  'billing.manage': 'Manage subscription plans, seat licences and billing test clocks',
  'commerce.manage': 'Manage coupons, promotions, bundles, tax rates, orders, refunds and invoices',
  'video.manage': 'See video processing, retry and cancel it, and manage captions',
} as const;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export const BUILTIN_ROLES = {
  owner: { name: 'Owner', permissions: ALL_PERMISSIONS },
  admin: { name: 'Administrator', permissions: ALL_PERMISSIONS.filter((p) => p !== 'organization.delete') },
  instructor: {
    name: 'Instructor',
    permissions: ['member.read', 'course.create', 'course.publish', 'enrollment.read', 'enrollment.manage', 'media.manage', 'video.manage'] as Permission[],
  },
  teaching_assistant: {
    name: 'Teaching assistant',
    permissions: ['member.read', 'enrollment.read'] as Permission[],
  },
  learner: { name: 'Learner', permissions: [] as Permission[] },
} satisfies Record<string, { name: string; permissions: Permission[] }>;

export type BuiltinRole = keyof typeof BUILTIN_ROLES;
export const BUILTIN_ROLE_KEYS = Object.keys(BUILTIN_ROLES) as BuiltinRole[];

export function isBuiltinRole(role: string): role is BuiltinRole {
  return Object.prototype.hasOwnProperty.call(BUILTIN_ROLES, role);
}

export function isPermission(p: string): p is Permission {
  return Object.prototype.hasOwnProperty.call(PERMISSIONS, p);
}
