import CkptCore

/// A request that got no HTTP response.
package struct TransportFailure: Error, Sendable {
    /// timeout, network, remote (the response was refused) or internal.
    package var errorClass: ErrorClass
    package var message: String
    /// False only when the failure came before any byte of the request left
    /// this process (name resolution, connecting, the TLS handshake), so that
    /// even a create may be sent again.
    package var requestSent: Bool
    /// Whether trying again may succeed (a dropped connection, a refused
    /// connect, a timeout), as opposed to a failure that will repeat (a bad
    /// certificate, an oversized response).
    package var transient: Bool
}
