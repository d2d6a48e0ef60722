"""The expert Q&A: questions from the tables, merged, ordered fairly, asked, followed up."""
