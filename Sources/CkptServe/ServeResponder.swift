import CkptCore
import CkptEmulator
import CkptWire
import Hummingbird

/// Answers every request: checks the credentials, reads the body, and hands
/// the rest to `EmulatorService` on a worker thread.  Every failure is the
/// service error body, every response carries `X-Request-Id`.
struct ServeResponder: HTTPResponder {
    typealias Context = ServeContext
    let server: EmulatorServer

    func respond(to request: Request, context: ServeContext) async throws -> Response {
        let service = server.service
        let requestId = context.requestId
        let answer: EmulatorResponse
        do throws(CkptError) {
            // A stranger's body is never read: the credentials first.
            let headers = EmulatorServer.headers(request)
            let admission = try service.admit(method: request.method.rawValue, path: request.uri.path,
                                              headers: headers, nowUnixSeconds: Clock.nowMs() / 1000)
            let body = try await EmulatorServer.readBody(request, family: EmulatorService.family(ofPath: request.uri.path))
            let whole = EmulatorRequest(method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
                                        headers: headers, body: body)
            answer = await server.pool.run { service.respond(whole, admission: admission, requestId: requestId) }
        } catch {
            answer = EmulatorService.errorResponse(error, requestId: requestId)
        }
        // Method, path, status and id only: never a header or a body.
        context.logger.debug("\(request.method.rawValue) \(request.uri.path) -> \(answer.status) [\(requestId)]")
        return EmulatorServer.response(answer)
    }
}
