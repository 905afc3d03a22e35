import Hummingbird

/// The per-request context: Hummingbird's, plus the request id and the body.
struct ServeContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let requestId: String
    var body: [UInt8] = []

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestId = EmulatorServer.newRequestId()
    }
}
