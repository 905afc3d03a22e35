import CkptCore
import CkptEmbedded
import CkptRemote

/// One client: a backend chosen by the configuration, the operation table
/// in front of it (every request is parsed once, into its typed form, before
/// anything runs), and libckpt's own operations on top.  Safe to share
/// between threads.
package final class Client: Sendable {
    package let backend: any Backend

    /// - Parameter config: the configuration object, or nil for `{}`.
    /// - Throws: class `invalid` for a bad configuration, `storage` when the
    ///   store cannot be opened.
    package init(config: JSONValue?, environment: [String: String] = ProcessEnvironment.current()) throws(CkptError) {
        let f = try Fields(config ?? [:], path: "config", family: .cbr)
        let kind = try f.enumeration("backend", BackendKind.self) ?? .embedded
        switch kind {
        case .remote: backend = try RemoteBackend(config: RemoteConfig.parse(f.object, environment: environment))
        case .embedded: backend = try EmbeddedBackend(ClientConfig.embedded(f, environment: environment))
        }
    }

    package init(backend: any Backend) {
        self.backend = backend
    }

    package func close() { backend.close() }

    package var isRemote: Bool { backend.kind == .remote }

    /// Runs one operation by its canonical name.
    package func call(_ operation: String, _ request: JSONValue?) throws(CkptError) -> Reply {
        try call(Operation.named(operation), request ?? [:])
    }

    /// Parses `request` with the operation's schema, then runs it.
    package func call(_ op: Operation, _ request: JSONValue) throws(CkptError) -> Reply {
        try perform(op, op.parse(request))
    }

    /// Runs a parsed request: libckpt's own operations here, the rest on the
    /// backend.
    package func perform(_ op: Operation, _ request: any OperationRequest) throws(CkptError) -> Reply {
        guard op.kind == .client else { return try backend.perform(op, request) }
        guard let run = Self.operations[op] else {
            throw .internalError("\(op.name) is marked client-side but the client has no implementation")
        }
        return try run(self, request)
    }
}
