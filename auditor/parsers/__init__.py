"""Pure parsers: what a source read (an API answer, a file's values) to the snapshot's typed facts.

No network, no boto3, no requests: live collectors and file readers share them, so a rule sees one
kind of fact whatever the source, and a file scan never imports a network client.
"""
