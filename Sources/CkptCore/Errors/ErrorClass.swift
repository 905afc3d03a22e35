/// The library's error classes: the negative CKPT_E* codes of ckpt.h.
/// Append-only: a class keeps its number forever.
package enum ErrorClass: Int32, Sendable, CaseIterable {
    case invalid = -1
    case notFound = -2
    case conflict = -3
    case quota = -4
    case auth = -5
    case permission = -6
    case timeout = -7
    case network = -8
    case remote = -9
    case storage = -10
    case `internal` = -11
    /// Since 1.1: the caller stopped it (a wait's progress callback).
    case canceled = -12

    /// The "class" string of the error object.
    package var name: String {
        switch self {
        case .invalid: return "invalid"
        case .notFound: return "not_found"
        case .conflict: return "conflict"
        case .quota: return "quota"
        case .auth: return "auth"
        case .permission: return "permission"
        case .timeout: return "timeout"
        case .network: return "network"
        case .remote: return "remote"
        case .storage: return "storage"
        case .internal: return "internal"
        case .canceled: return "canceled"
        }
    }

    /// The class an HTTP status implies when the body names no known code.
    package init(httpStatus: Int) {
        switch httpStatus {
        case 400: self = .invalid
        case 401: self = .auth
        case 403: self = .permission
        case 404: self = .notFound
        case 408: self = .timeout
        case 409: self = .conflict
        case 413: self = .invalid  // a request too large: the caller's to fix
        default: self = .remote
        }
    }

    /// The status the emulator answers for a class with no documented status.
    package var defaultHTTPStatus: Int {
        switch self {
        case .invalid: return 400
        case .notFound: return 404
        case .conflict, .quota: return 400
        case .auth: return 401
        case .permission: return 403
        case .timeout: return 504
        case .network, .remote: return 502
        case .storage, .internal: return 500
        case .canceled: return 499
        }
    }
}
