/**
 * Where a group's page lives (named by share cards). Apart from the group rules (groups.ts) so
 * navigation and the product page's group entry do not load the rules.
 */

/** The group page (subpackage `pages-group`). */
export const GROUP_PAGE = 'pages-group/index';

export function groupPagePath(groupId: string): string {
  return `/${GROUP_PAGE}?groupId=${encodeURIComponent(groupId)}`;
}
