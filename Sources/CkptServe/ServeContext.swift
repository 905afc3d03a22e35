import CkptEmulator
import Hummingbird

/// The per-request context: Hummingbird's, plus the request id.
struct ServeContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let requestId: String

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestId = EmulatorService.newRequestId()
    }
}
