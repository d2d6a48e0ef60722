"""Deliberative polls: questionnaires given in waves (arrival, end, follow-up), answers
paired anonymously across waves, and the analysis of opinion and knowledge change."""
