/// At most `n` Unicode scalars of caller text, for echoing in a message: a
/// Character can be any number of scalars, so `prefix` on a String is no bound.
package func clipped(_ s: String, _ n: Int = 64) -> String {
    var out = String.UnicodeScalarView()
    out.append(contentsOf: s.unicodeScalars.prefix(n))
    return String(out)
}
