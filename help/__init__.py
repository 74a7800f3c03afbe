"""Self-service: the knowledge base, similar questions while asking, related questions
under a thread, and deflection counts (DESIGN.md, "Apps and boundaries").

It sits above the forum and reads it only through forum's selectors, search and
extensions; the forum knows nothing of it: the thread page, the ask page and the search
page show what help registers in forum/extensions.py (apps.py).

Modules, bottom up (each imports only those above it in this list):
- models      Article (a question, its short answer and steps in English and/or Chinese,
              per category in order, review date, retirement, view and helpful counters),
              PendingDeflection and DeflectionDay (counts only, no content)
- errors      NotAllowed and InvalidArticle, from config.errors.HandoffError
- access      who may write articles: the one staff predicate (accounts.powers)
- viewcounts  article views counted in the shared cache, folded by beat (forum's PendingCounts)
- services/   articles (create, edit, reorder, retire, the article's search words),
              feedback (views and "Did this answer your question?"), deflections
              (suggestions opened while asking, and whether the member asked after all)
- selectors   the pages' reads; `closest_answers(text, *, user, language, limit)` is the
              one lookup of articles and solved threads for a question (the ask page's
              suggestions, and the first-line bot to come); related questions (cached)
- forms       the article form, the typed question
- panels      what help adds to forum pages (thread footer, ask suggestions, search section)
- views, urls /help/…, the suggestions fragment and the suggestion-open marker
- tasks       beat's fold of article views and of pending deflections
- admin       the deflection counts, read only
"""
