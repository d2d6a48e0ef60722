"""Reading marked ballot papers from photos and scanned pages (issue 17).

Rooms (a layers contract in pyproject.toml): ``cli > ops > queries > sources > image >
model``. ``model`` is pure (thresholds, what a question's marks mean, why a paper goes to
review); ``image`` is the OpenCV pipeline (markers, perspective, QR, mark scores);
``sources`` turns a PDF, a TIFF or a folder of photos into pages, with progress and
cancellation; ``ops`` files each read paper (entered when read with full confidence,
otherwise queued for review) and takes a person's confirmation or correction, with who and
when. The package sits above ``reports`` because the layout of a paper's boxes depends on
the text measured by the PDF writer (:func:`facilitator.reports.ballots.paper_layout`).
"""
