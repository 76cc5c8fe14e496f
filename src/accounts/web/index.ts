/** The accounts' web pieces, in the order src/web/app.ts uses them. */
export { setUpWebSession, sessionCookieName, redirectAfterSaving } from './session.ts'
export { setUpCsrf, CSRF_FIELD } from './csrf.ts'
export {
  setUpAuthentication,
  enterPartnership,
  requireInstanceAdministrator,
  yourPartnerships,
  requireSignIn,
  requirePermission,
  requireApiToken,
  currentUser,
} from './authentication.ts'
export { accountRoutes } from './routes.ts'
export { accountNavigation, adminMenuRoutes } from './admin-menu.ts'
export { userAdministrationRoutes } from './admin-routes.ts'
export { agencyAdministrationRoutes } from './agency-routes.ts'
