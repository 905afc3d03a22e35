/// The HTTP methods of the service's REST paths.
package enum HTTPMethod: String, Sendable, CaseIterable {
    case get = "GET"
    case post = "POST"
    case put = "PUT"
    case delete = "DELETE"

    /// Whether a request carries a JSON body.
    package var hasBody: Bool { self == .post || self == .put }

    /// Whether a request may be sent again after any byte of it has left the
    /// client: only a read.  A POST, PUT or DELETE that reached the service
    /// may have acted, even if no answer came back (SPEC 6.6).
    package var isRetrySafe: Bool { self == .get }
}
