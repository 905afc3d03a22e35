import CkptCore
import Hummingbird

/// Runs around every route and the not-found responder: checks the
/// credentials, reads the body, checks the signature, turns every failure
/// into the service error body, and stamps `X-Request-Id` on every
/// response.
struct ServeMiddleware: RouterMiddleware {
    typealias Context = ServeContext
    let server: EmulatorServer

    func handle(_ request: Request, context: ServeContext,
                next: (Request, ServeContext) async throws -> Response) async throws -> Response
    {
        let family: APIFamily = request.uri.path.hasPrefix("/v1/") ? .csbs : .cbr
        var response: Response
        var allow: String?
        do {
            var context = context
            // A stranger's body is never read: the credentials first.
            let headers = EmulatorServer.headers(request)
            // The API's description is public; everything else is not.
            let isDocument = request.method == .get && request.uri.path == OpenAPIDocument.path
            let admission: Authenticator.Admission = isDocument ? .admitted : try server.admit(request, headers: headers)
            context.body = try await EmulatorServer.readBody(request, family: family)
            try server.finish(admission, request, headers: headers, body: context.body)
            response = try await next(request, context)
        } catch let e as CkptError {
            response = EmulatorServer.errorResponse(e, requestId: context.requestId)
        } catch let e as any HTTPResponseError {
            let failure: CkptError
            switch e.status.code {
            case 404, 405:
                let allowed = EmulatorServer.allowedMethods(request.uri.path)
                failure = allowed.isEmpty ? EmulatorServer.unknownRoute
                    : EmulatorServer.methodNotAllowed(request.method.rawValue, allowed: allowed)
                if !allowed.isEmpty { allow = allowed.joined(separator: ", ") }
            case 413: failure = EmulatorServer.tooLarge
            default: failure = CkptError(ErrorClass(httpStatus: e.status.code), httpStatus: e.status.code,
                                         code: "", "HTTP \(e.status.code)")
            }
            response = EmulatorServer.errorResponse(failure, requestId: context.requestId)
        } catch {
            response = EmulatorServer.errorResponse(.internalError("the request failed"), requestId: context.requestId)
        }
        if let name = ServeMiddleware.requestIdName { response.headers[name] = context.requestId }
        if let allow { response.headers[.allow] = allow }
        // Method, path, status and id only: never a header or a body.
        context.logger.debug("\(request.method.rawValue) \(request.uri.path) -> \(response.status.code) [\(context.requestId)]")
        return response
    }

    static let requestIdName = HTTPFields.Element.Name("X-Request-Id")
}
