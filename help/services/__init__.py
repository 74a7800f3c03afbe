"""Every change the help app makes, one module per subject; the only writers of its tables.

- articles     writing the knowledge base: create (from a solved thread), edit, reorder,
               retire and restore; each keeps the article's search words in step
- feedback     an article's views and "Did this answer your question?" (counts only)
- deflections  suggestions opened while asking, and whether the member asked after all
- bot          the first-line bot's automatic reply to a new question, and the asker's
               answer to it (solves the thread, or counts "I still need help")

Public functions take the acting user first and keyword-only arguments, and raise
help.errors (NotAllowed, InvalidArticle). Modules import one another in this order,
bottom up, never back: articles, feedback, deflections, bot.
"""
