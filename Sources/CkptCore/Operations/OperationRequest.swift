/// A request checked against its operation's schema: what `Operation.parse`
/// returns, and what a backend performs.  It is parsed once, from the
/// request JSON, and carries what the remote backend needs to put it on the
/// wire, so that no backend has code per operation for that.
package protocol OperationRequest: Sendable {
    /// The value of a path parameter of the operation's route (`project_id`
    /// excepted: the client supplies it).
    func pathParameter(_ name: String) -> String?
    /// The decoded query pairs of a GET, in the official SDK's form
    /// (booleans `true`/`false`, a list as the key repeated).
    var httpQuery: [(name: String, value: String)] { get }
    /// The JSON body of a POST or PUT.
    var httpBody: JSONValue? { get }
}

extension OperationRequest {
    package func pathParameter(_ name: String) -> String? { nil }
    package var httpQuery: [(name: String, value: String)] { [] }
    package var httpBody: JSONValue? { nil }
}
