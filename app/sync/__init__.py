"""USB-stick sync between township laptops and the district office ([7]).

``container`` (the package file: header, encrypted payload, signature), ``crypto`` (keys,
age encryption, Ed25519 signatures, enrolment proofs), ``atomic`` (verified writes to a
stick), ``errors`` (why a package is refused).  Export, merge and conflicts build on these.
"""
