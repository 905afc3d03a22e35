/// A checkpoint service: the embedded SQLite one, or the real one over HTTPS.
/// Requests arrive parsed and checked; the same request gives the same
/// response JSON from either.  Implementations are safe to call from many
/// threads.
package protocol Backend: AnyObject, Sendable {
    var kind: BackendKind { get }

    /// Performs one operation of the table (of kind `service`, or `local` on
    /// the embedded backend).
    /// - Parameter request: what `operation.parse` returned.
    func perform(_ operation: Operation, _ request: any OperationRequest) throws(CkptError) -> Reply

    /// Releases connections; later calls fail.
    func close()
}
