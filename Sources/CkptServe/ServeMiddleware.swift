import CkptCore
import Hummingbird

/// Runs around every route and the not-found responder: reads the body,
/// authenticates, turns every failure into the service error body, and
/// stamps `X-Request-Id` on every response.
struct ServeMiddleware: RouterMiddleware {
    typealias Context = ServeContext
    let server: EmulatorServer

    func handle(_ request: Request, context: ServeContext,
                next: (Request, ServeContext) async throws -> Response) async throws -> Response
    {
        let family: APIFamily = request.uri.path.hasPrefix("/v1/") ? .csbs : .cbr
        var response: Response
        do {
            var context = context
            context.body = try await EmulatorServer.readBody(request, family: family)
            try server.authenticate(request, body: context.body)
            response = try await next(request, context)
        } catch let e as CkptError {
            response = EmulatorServer.errorResponse(e, requestId: context.requestId)
        } catch let e as any HTTPResponseError {
            let failure: CkptError
            switch e.status.code {
            case 404, 405: failure = EmulatorServer.unknownRoute
            case 413: failure = .parameter(family, "request body: larger than \(Limits.maxRequestBytes) bytes")
            default: failure = CkptError(ErrorClass(httpStatus: e.status.code), httpStatus: e.status.code,
                                         code: "", "HTTP \(e.status.code)")
            }
            response = EmulatorServer.errorResponse(failure, requestId: context.requestId)
        } catch {
            response = EmulatorServer.errorResponse(.internalError("the request failed"), requestId: context.requestId)
        }
        if let name = ServeMiddleware.requestIdName { response.headers[name] = context.requestId }
        // Method, path, status and id only: never a header or a body.
        context.logger.debug("\(request.method.rawValue) \(request.uri.path) -> \(response.status.code) [\(context.requestId)]")
        return response
    }

    static let requestIdName = HTTPFields.Element.Name("X-Request-Id")
}
