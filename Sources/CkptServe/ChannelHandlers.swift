import CkptCore
import CkptEmulator
import CkptWire
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` at once with `100 Continue`, so that a
/// client holding back a large body (libcurl does, for large POSTs) sends it
/// without waiting out its own timer (a second in libcurl).  The
/// final status follows as usual: a request refused before its body is
/// read (401, 413) is answered all the same.
final class ExpectContinueHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data), Self.expectsContinue(head.headerFields) {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        context.fireChannelRead(data)
    }

    /// `Expect: 100-continue`, in any case (RFC 9110 10.1.1).
    static func expectsContinue(_ fields: HTTPFields) -> Bool {
        fields[values: .expect].contains { HTTPHeader.lowercased(HTTPHeader.trimmed($0)) == "100-continue" }
    }
}

/// Caps the connections open at once: one over the cap gets `429`
/// `APIGW.0308` (API Gateway's throttling answer, which clients retry)
/// with `Connection: close` as soon as its request head arrives, and is
/// closed unread.  Idle connections time out (Hummingbird's idle timeout),
/// so a crowd of silent sockets frees its places by itself.
final class ConnectionCapHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    /// The connections open now, shared by every channel of a server.
    final class Counter: @unchecked Sendable {
        private let lock = Lock()
        private var open = 0
        let cap: Int

        init(cap: Int) { self.cap = cap }

        /// Counts a new connection; false when it is over the cap.
        func enter() -> Bool {
            lock.withLock {
                open &+= 1
                return open <= cap
            }
        }

        func leave() { lock.withLock { open &-= 1 } }
    }

    private let counter: Counter
    private var admitted = true
    private var counted = false

    init(_ counter: Counter) { self.counter = counter }

    func handlerAdded(context: ChannelHandlerContext) {
        counted = true
        admitted = counter.enter()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if counted { counter.leave() }
        counted = false
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !admitted else {
            context.fireChannelRead(data)
            return
        }
        guard case .head = unwrapInboundIn(data) else { return }
        let answer = EmulatorService.errorResponse(EmulatorService.tooManyConnections,
                                                   requestId: EmulatorService.newRequestId())
        let body = answer.body ?? ""
        var fields = EmulatorServer.fields(answer.headers)
        fields[.connection] = "close"
        fields[.contentLength] = String(body.utf8.count)
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .tooManyRequests, headerFields: fields))),
                      promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(string: body))), promise: nil)
        // Closed once the answer is out: the loop bound context is used on
        // its own event loop only.
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in loopBound.value.close(promise: nil) }
    }
}
