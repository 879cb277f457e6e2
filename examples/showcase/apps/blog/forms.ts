import { Post } from './models.js'

/** What a writer types: the title and the text; the slug and date come from the view. */
export const PostForm = Post.form({
  pick: ['title', 'body'],
  fields: {
    title: { errorMessage: { required: 'A title is required.', maxLength: 'Keep the title under 120 characters.' } },
    body: { label: 'Text', widget: 'textarea', errorMessage: { required: 'Write something.', maxLength: 'Keep the post under 5000 characters.' } },
  },
})
