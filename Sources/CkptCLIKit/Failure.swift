import ArgumentParser
import CkptCore

/// How a command fails: the error object on stderr, and the exit status of
/// its class, the same for `ckpt` and `ckpt-serve`.
package enum Failure {
    /// Exit status of an error class: 9 - code, so invalid (-1) is 10 and
    /// internal (-11) is 20.
    package static func exitStatus(_ c: ErrorClass) -> Int32 { 9 - c.rawValue }

    /// Prints `rendered` (the error object as text), or a minimal object
    /// when it could not be rendered, on stderr; returns the exit status to
    /// throw.
    package static func report(_ error: CkptError, rendered: String?) -> ExitCode {
        let text = rendered ?? "{\"code\":\(error.errorClass.rawValue),\"class\":\"\(error.errorClass.name)\"}"
        IO.err(text + "\n")
        return ExitCode(exitStatus(error.errorClass))
    }
}
