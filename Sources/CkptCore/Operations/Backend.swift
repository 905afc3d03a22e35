/// What one call returns: the documented response body, and the service's
/// request id where there was one (the X-Request-Id of a remote call).
package struct Reply: Sendable, Equatable {
    package var body: JSONValue
    package var requestId: String?

    package init(_ body: JSONValue, requestId: String? = nil) {
        self.body = body
        self.requestId = requestId
    }
}

/// A checkpoint service: the embedded SQLite one, or the real one over HTTPS.
/// Requests arrive validated; the same request gives the same response
/// JSON from either.  Implementations are safe to call from many threads.
package protocol Backend: AnyObject, Sendable {
    func createVault(_ request: VaultCreateRequest) throws(CkptError) -> Reply
    func getVault(id: String) throws(CkptError) -> Reply
    func createPolicy(_ request: PolicyCreateRequest) throws(CkptError) -> Reply
    func getPolicy(id: String) throws(CkptError) -> Reply
    func createCheckpoint(_ request: CheckpointCreateRequest) throws(CkptError) -> Reply
    func getCheckpoint(id: String) throws(CkptError) -> Reply
    func executePolicy(_ request: PolicyExecuteRequest) throws(CkptError) -> Reply
    func getPolicyCheckpoint(providerId: String, id: String) throws(CkptError) -> Reply
    /// Local test control (embedded only).
    func setVaultStatus(_ request: SetStatusRequest) throws(CkptError) -> Reply
    /// Local test control (embedded only), like Karbor's reset-state.
    func setCheckpointStatus(_ request: SetStatusRequest) throws(CkptError) -> Reply
    /// Releases connections; later calls fail.
    func close()
}
